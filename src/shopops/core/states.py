"""One transition function for every state machine: an explicit map of allowed moves,
a conditional UPDATE (no check-then-act), a typed error for an illegal move."""

from .errors import IllegalTransition


def transition(obj, target: str, allowed: dict[str, set[str]], *, field: str = "state",
               machine: str = "", **also) -> str:
    """Move `obj` from its current state to `target` if the map allows it.

    The UPDATE only matches while the row is still in the state we read, so two
    concurrent callers cannot both make the same move. Returns the previous state.
    """
    current = getattr(obj, field)
    label = machine or obj._meta.verbose_name
    if target not in allowed.get(current, set()):
        raise IllegalTransition(str(label), _display(obj, field, current), _display(obj, field, target))
    updated = type(obj).objects.filter(pk=obj.pk, **{field: current}).update(**{field: target}, **also)
    if updated != 1:
        obj.refresh_from_db(fields=[field])
        raise IllegalTransition(str(label), _display(obj, field, getattr(obj, field)),
                                _display(obj, field, target))
    setattr(obj, field, target)
    for key, value in also.items():
        setattr(obj, key, value)
    return current


def _display(obj, field, value):
    choices = dict(obj._meta.get_field(field).flatchoices)
    return str(choices.get(value, value))
