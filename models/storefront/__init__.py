"""What customers and the public see besides the order form: the public chain list, the
tracking page (with the customer's own changes), /my and the sign-in code that opens it."""
