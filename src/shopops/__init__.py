"""ShopOps 电商运营管理系统."""
