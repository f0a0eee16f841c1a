"""Periodic jobs of this part (registered at import, from StaffConfig.ready)."""
