"""Column headers of the platform exports → our field names. Each platform has renamed its
columns over the years; every known spelling is listed."""

TAOBAO = {
    "order_no": ("订单编号", "订单号", "主订单编号"),
    "buyer_nick": ("买家会员名", "买家昵称"),
    "goods": ("买家应付货款", "总金额", "商品总价"),
    "paid": ("买家实际支付金额", "实付金额"),
    "shipping": ("邮费", "运费"),
    "status": ("订单状态",),
    "name": ("收货人姓名", "收货人"),
    "address": ("收货地址", "收货地址 "),
    "phone": ("联系手机", "联系电话", "手机"),
    "created": ("订单创建时间", "下单时间"),
    "paid_at": ("订单付款时间", "付款时间"),
    "title": ("宝贝标题", "商品标题", "宝贝标题 "),
    "quantity": ("宝贝总数量", "购买数量", "宝贝数量", "数量"),
    "message": ("买家留言",),
    "remark": ("商家备注", "订单备注"),
    "code": ("商家编码", "外部系统编号", "商家编码(SKU)"),
    "barcode": ("条形码", "商品条码"),
    "price": ("宝贝单价", "单价", "价格"),
}

JD = {
    "order_no": ("订单号", "订单编号"),
    "name": ("客户姓名", "收货人"),
    "address": ("客户地址", "收货地址"),
    "phone": ("联系电话", "手机", "收货人电话"),
    "goods": ("订单金额", "商品金额"),
    "paid": ("应付金额", "实付金额"),
    "shipping": ("运费金额", "运费"),
    "code": ("商家SKU", "商家编码", "商家SKU (商家编码)", "商家SKU(商家编码)"),
    "jd_id": ("商品ID", "商品编号"),
    "title": ("商品名称",),
    "quantity": ("订购数量", "数量"),
    "created": ("下单时间",),
    "paid_at": ("付款确认时间", "付款时间"),
    "remark": ("订单备注", "商家备注"),
    "message": ("客户留言", "买家留言"),
    "status": ("订单状态",),
    "buyer_nick": ("下单帐号", "下单账号", "用户账号"),
    "barcode": ("条形码", "商品条码"),
    "price": ("京东价", "单价"),
}

REQUIRED = ("order_no", "name", "address", "phone", "title", "quantity")
LABELS = {"order_no": "订单编号", "name": "收货人", "address": "收货地址", "phone": "联系电话",
          "title": "商品标题", "quantity": "数量"}
PLATFORMS = {"taobao": TAOBAO, "jd": JD}
PLATFORM_LABELS = {"taobao": "淘宝/天猫", "jd": "京东"}


def _norm(header: str) -> str:
    return "".join(header.split()).replace("（", "(").replace("）", ")")


def detect(headers: list[str]) -> str | None:
    """Which platform wrote the file: Taobao names its number 订单编号, JD 订单号."""
    names = {_norm(h) for h in headers}
    if {"宝贝标题", "买家会员名"} & names or "订单编号" in names:
        return "taobao"
    if {"订单号", "商品名称"} <= names:
        return "jd"
    return None


def mapping(platform: str, headers: list[str]) -> dict[str, int]:
    """field → column index for the headers of the file."""
    index = {_norm(h): i for i, h in reversed(list(enumerate(headers)))}
    out = {}
    for name, aliases in PLATFORMS[platform].items():
        for alias in aliases:
            if _norm(alias) in index:
                out[name] = index[_norm(alias)]
                break
    return out
