"""Orders staff enter on a customer's behalf (a phone call, a walk-in, a chat message), placed
through the form's own checkout and kept with who entered them and how the customer asked
(docs/group-buy.md)."""
