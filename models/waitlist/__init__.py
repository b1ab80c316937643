"""Waiting lists: customers who found a product sold out leave their name, phone and quantity;
units that free up are offered to the first in line, held for them for a while
(docs/group-buy.md "Waiting list")."""
