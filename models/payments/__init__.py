"""Money in beyond the ledger of models/orders/payments.py: the payment methods a form offers,
the shop's own collection QR codes and the customers' claims, the online providers."""
