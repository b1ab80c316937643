"""Customer pages: the order form, the tracking page, /my and QR codes."""
