"""Business acts of inventory, one module per use case (warehouses, documents, stocktake,
safety stock). Stock itself changes only through inventory.ledger, which these call."""
