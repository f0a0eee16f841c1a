# TEMPORARY STUB
from ninja import Router

router = Router()
