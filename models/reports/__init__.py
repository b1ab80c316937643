"""Reports (docs/reports.md): rollup tables kept by the outbox worker, and the sales report read
from them. The top of the layer order: it may import every other domain package, none imports it."""
