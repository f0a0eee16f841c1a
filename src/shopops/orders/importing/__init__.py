"""Platform order exports (ORD-1): reading Taobao/Tmall and JD files into orders to create
(parse.py) and matching their lines to SKUs (matching.py)."""
