"""The warehouse line's actions, one module per step: review, printing, picking, verify,
packing, shipping. `common` holds what several steps share (moving an order, voiding its
slip, stopping an intercepted order)."""
