"""Staff enter an order on a customer's behalf (docs/group-buy.md "Staff-entered orders")."""
