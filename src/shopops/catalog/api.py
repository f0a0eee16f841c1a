# TEMPORARY STUB — to be replaced
from ninja import Router

router = Router()
