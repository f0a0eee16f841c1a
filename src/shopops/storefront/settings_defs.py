"""The shop's numbers and names; read them only through core.registry.setting()."""

from shopops.core.registry import define

G_SHOP = "官网商城 Shop"
define("storefront.shop_name", "五步商城", type="str", label="商城名称", group=G_SHOP,
       description="顾客在商城每一页看到的店名。The shop's name on every shop page.")
define("storefront.shipping_fen", 1000, type="int", unit="分", min=0, max=100_000,
       label="运费", group=G_SHOP,
       description="每笔商城订单的运费（分）；订单商品金额达到包邮门槛时免运费。"
                   "Shipping fee per shop order, in fen.")
define("storefront.free_shipping_fen", 9900, type="int", unit="分", min=0, max=10_000_000,
       label="包邮门槛", group=G_SHOP,
       description="商品金额达到这么多（分）免运费；0 表示一律包邮。"
                   "Goods total (fen) from which shipping is free; 0: always free.")
define("storefront.page_size", 24, type="int", unit="件", min=4, max=100,
       label="每页商品数", group=G_SHOP,
       description="类目页和搜索结果每页显示的商品数。Products per page in categories and search.")
define("storefront.low_stock_units", 5, type="int", unit="件", min=1, max=100,
       label="“仅剩 N 件”提示", group=G_SHOP,
       description="可售数量不超过这个数时，商品页显示“仅剩 N 件”。"
                   "Show 'only N left' at or below this many units.")
define("storefront.max_quantity", 99, type="int", unit="件", min=1, max=9999,
       label="单件商品最多购买数量", group=G_SHOP,
       description="购物车中一个规格最多可买的件数。Most units of one SKU in a cart.")
define("storefront.password_min_length", 8, type="int", unit="位", min=6, max=64,
       label="顾客密码最短长度", group=G_SHOP,
       description="注册商城账号的密码至少这么多位，且须同时包含字母和数字。"
                   "Shortest customer password (letters and digits required).")
define("storefront.login_max_failures", 5, type="int", unit="次", min=1, max=50,
       label="连续登录失败上限", group=G_SHOP,
       description="顾客账号连续这么多次密码错误后暂时锁定。"
                   "Failed sign-ins in a row before a customer account is locked.")
define("storefront.login_lock_minutes", 15, type="int", unit="分钟", min=1, max=24 * 60,
       label="登录锁定时长", group=G_SHOP,
       description="连续登录失败达到上限后，账号锁定这么多分钟。"
                   "Minutes a customer account stays locked after too many failures.")
