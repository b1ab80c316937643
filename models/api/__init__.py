"""Other tools of the shop talk to Jielong: the JSON API's tokens and reads (/api/v1), and the
webhooks that tell them what changed, signed and delivered through a lease like the outbox's."""
