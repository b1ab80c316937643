"""Group leaders (团长): their pickup points, the orders their share link brought, their
phone pages' queries (docs/group-buy.md)."""
