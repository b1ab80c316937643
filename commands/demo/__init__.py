"""The demo shop and generated orders, made through the real domain functions; not part of the domain."""
