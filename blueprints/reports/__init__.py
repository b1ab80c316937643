"""More report pages under /reports (the sales and settlement reports are in
blueprints/admin/reports.py): the customers and products reports; a table downloads as CSV or XLSX."""
