"""Orders: their tables, the status lifecycle, placing, editing, allotments, payments, notes, fulfilment and how an order reads as text."""
