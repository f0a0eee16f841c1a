"""How staff events read in the event log. Each part adds its verbs (additive edits)."""

from shopops.core.event_labels import register_verbs

register_verbs({})
