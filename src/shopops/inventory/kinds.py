"""Proposal kinds owned by inventory (stock adjustment after a stocktake)."""
