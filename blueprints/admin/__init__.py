"""Admin pages: accounts, the form designer and its notices, products, rules and the delivery log."""
