"""Proposal kinds owned by the catalog (listing, delisting, price change)."""
