"""The catalog as a spreadsheet (CSV or XLSX): exported, and imported back after a preview.

- `columns`: the columns, their headers in any of the shop's languages, what a cell may hold;
- `reading`: uploaded bytes as a header and rows of text (limits on size and rows);
- `checking`: every row checked against the catalog (a `Preview`, errors per row and cell);
- `families`: a variant's Family and Option cells, and the rows of one family joined;
- `applying`: the checked rows written in one transaction, stock through the ledger;
- `export`: the catalog in exactly the format the import reads.

docs/products.md ("Import and export") describes the format.
"""
