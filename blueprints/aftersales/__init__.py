"""After-sales for staff (docs/after-sales.md): the queue, its export, and a case's page. The
customer's side is in blueprints/customer/aftersales.py."""
