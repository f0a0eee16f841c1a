"""Demo catalog: a women's apparel and home-goods seller — suppliers and brand merchants,
a category tree, brands, the selling channels, ~30 products with colour × size SKUs and
valid EAN-13 barcodes, generated product images, a home-page shelf plan and submissions
from a branch and a brand merchant waiting for review (one already sent back).

Everything goes through the catalog actions, as the people whose post does it.
`load(people)` is called once by ops.demo (people: username → User).
"""

import io
from datetime import timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from .actions import media, products, reference, shelf, submissions
from .models import Product

SUPPLIERS = [
    # code, name, kind, contact, phone, address
    ("S001", "杭州织造有限公司", "supplier", "周建华", "0571-86881234", "杭州市萧山区衙前镇工业园"),
    ("S002", "绍兴家纺有限公司", "brand", "钱丽萍", "0575-85126688", "绍兴市柯桥区中国轻纺城"),
    ("S003", "苏州真丝坊服饰有限公司", "brand", "沈雅琴", "0512-65239901", "苏州市吴江区盛泽镇"),
    ("S004", "宁波针织服饰有限公司", "consignment", "胡志强", "0574-87654321", "宁波市海曙区"),
    ("S005", "南通床上用品厂", "supplier", "陆卫东", "0513-83556677", "南通市通州区川姜镇"),
]
BRANDS = [("五步", "Wubu", None), ("织梦家纺", "Dream Loom", "S002"), ("丝语", "Silk Words", "S003"),
          ("暖织", "Warm Knit", "S004")]
TREE = {"女装": ["连衣裙", "衬衫", "针织开衫", "半身裙", "T恤"],
        "家居": ["床品四件套", "抱枕", "毛巾浴巾", "夏凉被"]}
CHANNELS = [("b2c", "官网商城", "b2c", 10), ("tmall", "天猫旗舰店", "taobao", 20),
            ("jd", "京东自营店", "jd", 30), ("branch-sh", "上海南京路分店", "branch", 40),
            ("branch-hz", "杭州湖滨分店", "branch", 50)]
COLOURS = {"藏青": ("NV", (31, 45, 84)), "米白": ("WH", (236, 228, 210)), "黑色": ("BK", (35, 35, 35)),
           "雾霾蓝": ("BL", (120, 146, 170)), "豆沙粉": ("PK", (205, 150, 150)),
           "燕麦": ("OT", (214, 196, 160)), "墨绿": ("GN", (40, 80, 60)), "酒红": ("RD", (128, 30, 45)),
           "浅灰": ("GY", (190, 190, 190)), "碎花": ("FL", (230, 170, 180))}
# title, category, brand, supplier, colours, sizes, price (yuan), status, selling points
PRODUCTS = [
    ("夏季碎花雪纺连衣裙", "连衣裙", "五步", "S001", ["碎花", "藏青"], ["S", "M", "L"], 259, "active",
     "雪纺面料轻盈透气，收腰显瘦，度假通勤两相宜"),
    ("法式方领泡泡袖连衣裙", "连衣裙", "五步", "S001", ["米白", "黑色"], ["S", "M", "L"], 299, "active",
     "方领修饰颈部线条，泡泡袖减龄"),
    ("真丝印花长款连衣裙", "连衣裙", "丝语", "S003", ["酒红", "藏青"], ["M", "L"], 899, "active",
     "19姆米重磅真丝，垂坠亲肤"),
    ("针织背心裙两件套", "连衣裙", "暖织", "S004", ["燕麦", "浅灰"], ["S", "M", "L"], 329, "active",
     "内搭衬衫可拆分，一套多穿"),
    ("收腰衬衫式连衣裙", "连衣裙", "五步", "S001", ["雾霾蓝"], ["S", "M", "L", "XL"], 279, "draft",
     "挺括棉质，腰带可调节"),
    ("纯棉条纹长袖衬衫", "衬衫", "五步", "S001", ["雾霾蓝", "米白"], ["S", "M", "L"], 169, "active",
     "精梳棉面料，免烫易打理"),
    ("真丝缎面衬衫", "衬衫", "丝语", "S003", ["米白", "黑色", "豆沙粉"], ["M", "L"], 599, "active",
     "缎面光泽柔和，职场百搭"),
    ("亚麻宽松休闲衬衫", "衬衫", "五步", "S001", ["燕麦", "米白"], ["M", "L"], 199, "active",
     "亚麻混纺，透气凉爽"),
    ("雪纺飘带蝴蝶结衬衫", "衬衫", "五步", "S001", ["米白", "藏青"], ["S", "M", "L"], 189, "active",
     "飘带可系蝴蝶结，温柔知性"),
    ("小香风格纹衬衫", "衬衫", "五步", "S001", ["黑色"], ["S", "M", "L"], 229, "discontinued",
     "经典格纹，复古质感"),
    ("羊毛混纺针织开衫", "针织开衫", "暖织", "S004", ["燕麦", "浅灰", "墨绿"], ["M", "L"], 369, "active",
     "30%羊毛，柔软不扎"),
    ("短款V领针织开衫", "针织开衫", "暖织", "S004", ["米白", "豆沙粉"], ["S", "M", "L"], 239, "active",
     "短款提升腰线，搭配连衣裙更显高"),
    ("慵懒风粗棒针开衫", "针织开衫", "暖织", "S004", ["燕麦", "酒红"], ["均码"], 299, "active",
     "粗棒针编织，慵懒宽松"),
    ("冰丝薄款防晒开衫", "针织开衫", "五步", "S001", ["米白", "浅灰", "雾霾蓝"], ["均码"], 139, "active",
     "冰丝凉感，UPF50+ 防晒"),
    ("高腰A字半身裙", "半身裙", "五步", "S001", ["黑色", "藏青"], ["S", "M", "L"], 179, "active",
     "高腰设计拉长比例"),
    ("百褶中长半身裙", "半身裙", "五步", "S001", ["墨绿", "燕麦"], ["S", "M", "L"], 199, "active",
     "细密百褶，行走飘逸"),
    ("真丝缎面鱼尾半身裙", "半身裙", "丝语", "S003", ["酒红"], ["S", "M"], 459, "draft",
     "鱼尾裙摆优雅灵动"),
    ("牛仔开叉半身裙", "半身裙", "五步", "S001", ["雾霾蓝"], ["S", "M", "L", "XL"], 169, "active",
     "弹力牛仔，前开叉设计"),
    ("纯棉圆领基础T恤", "T恤", "五步", "S001", ["米白", "黑色", "浅灰"], ["S", "M"], 79, "active",
     "新疆长绒棉，不易变形"),
    ("刺绣小花短袖T恤", "T恤", "五步", "S001", ["米白", "豆沙粉"], ["S", "M", "L"], 99, "active",
     "胸前手工刺绣小花"),
    ("天丝提花床品四件套", "床品四件套", "织梦家纺", "S002", ["米白", "浅灰"], ["1.5米床", "1.8米床"], 699,
     "active", "60支天丝，丝滑亲肤"),
    ("全棉磨毛床品四件套", "床品四件套", "织梦家纺", "S002", ["豆沙粉", "雾霾蓝", "燕麦"],
     ["1.5米床", "1.8米床"], 459, "active", "双面磨毛，秋冬保暖"),
    ("长绒棉贡缎床品四件套", "床品四件套", "织梦家纺", "S005", ["米白", "墨绿"], ["1.8米床", "2米床"], 899,
     "active", "80支长绒棉贡缎，酒店质感"),
    ("水洗棉纯色床品四件套", "床品四件套", "织梦家纺", "S005", ["浅灰", "燕麦"], ["1.5米床", "1.8米床"], 399,
     "draft", "水洗工艺自然褶皱，越洗越软"),
    ("北欧几何抱枕套", "抱枕", "织梦家纺", "S002", ["墨绿", "燕麦", "浅灰"], ["45×45cm"], 59, "active",
     "棉麻面料，隐形拉链"),
    ("毛绒兔子抱枕", "抱枕", "织梦家纺", "S002", ["米白", "豆沙粉"], ["40cm", "60cm"], 89, "active",
     "超柔短毛绒，可拆洗"),
    ("真丝刺绣靠垫", "抱枕", "丝语", "S003", ["酒红", "藏青"], ["50×50cm"], 299, "active",
     "苏绣工艺，送礼佳品"),
    ("长绒棉加厚浴巾", "毛巾浴巾", "织梦家纺", "S005", ["米白", "浅灰", "雾霾蓝"], ["70×140cm"], 129,
     "active", "吸水不掉毛"),
    ("纯棉毛巾三条装", "毛巾浴巾", "织梦家纺", "S005", ["米白", "豆沙粉"], ["34×76cm"], 69, "active",
     "A类婴儿级标准"),
    ("冰丝凉感夏凉被", "夏凉被", "织梦家纺", "S002", ["浅灰", "雾霾蓝"], ["150×200cm", "200×230cm"],
     259, "active", "凉感纤维，机洗不变形"),
]
SIZE_CODES = {"均码": "F", "1.5米床": "150", "1.8米床": "180", "2米床": "200", "45×45cm": "45",
              "40cm": "40", "60cm": "60", "50×50cm": "50", "70×140cm": "70140",
              "34×76cm": "3476", "150×200cm": "150200", "200×230cm": "200230"}
BIGGER = {"XL", "1.8米床", "2米床", "60cm", "200×230cm"}
FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]
WEIGHTS = {"连衣裙": 300, "衬衫": 250, "针织开衫": 420, "半身裙": 280, "T恤": 180, "床品四件套": 2600,
           "抱枕": 600, "毛巾浴巾": 450, "夏凉被": 1500}


def ean13(body12: str) -> str:
    digits = [int(c) for c in body12]
    return body12 + str((10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10)


def _font(size):
    """A Noto/Source Han sans CJK face, the Simplified Chinese one of a collection; else None."""
    for root in FONT_DIRS:
        if not root.exists():
            continue
        for path in sorted(root.rglob("*CJK*")):
            if path.suffix.lower() not in (".ttc", ".otf", ".ttf") or "Sans" not in path.name:
                continue
            for index in range(8):
                try:
                    font = ImageFont.truetype(str(path), size, index=index)
                except OSError:
                    break
                if font.getname()[0].endswith(" SC") or path.suffix.lower() != ".ttc":
                    return font
    return None


def product_image(title: str, colour, caption: str = "") -> bytes:
    """An 800×800 card in the product's colour with its name (when a CJK font exists)."""
    img = Image.new("RGB", (800, 800), colour)
    draw = ImageDraw.Draw(img)
    dark = sum(colour) < 380
    ink = (255, 255, 255) if dark else (40, 40, 40)
    draw.rectangle([40, 40, 760, 760], outline=ink, width=4)
    font, small = _font(56), _font(32)
    if font is not None:
        lines = [title[i:i + 10] for i in range(0, len(title), 10)]
        y = 330 - 36 * len(lines)
        for line in lines:
            width = draw.textlength(line, font=font)
            draw.text(((800 - width) / 2, y), line, font=font, fill=ink)
            y += 80
        if caption:
            width = draw.textlength(caption, font=small)
            draw.text(((800 - width) / 2, y + 30), caption, font=small, fill=ink)
        draw.text((70, 690), "ShopOps 演示", font=small, fill=ink)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82)
    return out.getvalue()


def _reference(admin):
    suppliers = {code: reference.create_supplier(actor=admin, code=code, name=name, kind=kind,
                                                 contact=contact, phone=phone, address=address,
                                                 terms="月结30天，30%订金，货到验收后付款")
                 for code, name, kind, contact, phone, address in SUPPLIERS}
    brands = {name: reference.create_brand(actor=admin, name=name, name_en=name_en,
                                           supplier=suppliers.get(code))
              for name, name_en, code in BRANDS}
    categories = {}
    for order, (top, children) in enumerate(TREE.items(), start=1):
        parent = reference.create_category(actor=admin, name=top, sort_order=order * 10)
        for i, child in enumerate(children, start=1):
            categories[child] = reference.create_category(actor=admin, name=child, parent=parent,
                                                          sort_order=i * 10)
    for code, name, kind, order in CHANNELS:
        reference.create_channel(actor=admin, code=code, name=name, kind=kind, sort_order=order)
    return suppliers, brands, categories


def _products(pm, designer, suppliers, brands, categories):
    created, n = [], 0
    for index, (title, category, brand, supplier, colours, sizes, price, status,
                points) in enumerate(PRODUCTS, start=1):
        code = f"WB{index:04d}"
        rows = []
        for colour in colours:
            for size in sizes:
                n += 1
                key = "尺码" if category in TREE["女装"] else "规格"
                uplift = 20 if size in BIGGER else 0
                rows.append({"code": f"{code}-{COLOURS[colour][0]}-{SIZE_CODES.get(size, size)}",
                             "barcode": ean13(f"69212345{n:04d}"),
                             "attributes": {"颜色": colour, key: size},
                             "weight_g": WEIGHTS[category], "price_fen": (price + uplift) * 100,
                             "cost_fen": price * 40})
        product = products.create_product(
            actor=pm, code=code, title=title, selling_points=points,
            description=f"{title}。{points}。实物拍摄，颜色以实物为准。",
            category=categories[category], brand=brands[brand], supplier=suppliers[supplier],
            status=status, skus=rows[:6])
        for i, colour in enumerate(colours[:2]):
            data = product_image(title, COLOURS[colour][1], caption=colour)
            media.upload_media(actor=designer, product=product,
                               upload=SimpleUploadedFile(f"{code}-{i + 1}.jpg", data,
                                                         content_type="image/jpeg"))
        created.append(product)
    return created


def _shelf(planner, items, categories):
    now = timezone.now()
    active = [p for p in items if p.status == Product.Status.ACTIVE]
    for product in active[:6]:
        shelf.add_slot(actor=planner, product=product, section="主推", starts_at=now - timedelta(
            days=3), ends_at=now + timedelta(days=27))
    for product in active[10:14]:
        shelf.add_slot(actor=planner, product=product, section="新品", starts_at=now - timedelta(
            days=1), ends_at=now + timedelta(days=13))
    for product in active[20:23]:
        shelf.add_slot(actor=planner, product=product, section="家居好物",
                       starts_at=now + timedelta(days=7), ends_at=now + timedelta(days=21))
    dresses = [p for p in active if p.category_id == categories["连衣裙"].pk]
    for product in dresses[:3]:
        shelf.add_slot(actor=planner, product=product, page="category",
                       category=categories["连衣裙"], section="本周推荐",
                       starts_at=now - timedelta(days=2), ends_at=now + timedelta(days=12))


def _submissions(submitter, reviewer, suppliers):
    from .models import Channel

    branch = Channel.objects.get(code="branch-sh")
    merchant = suppliers["S002"]
    submissions.submit_info(actor=submitter, source=merchant, payload={
        "code": "ZM2026-01", "title": "天丝刺绣床品四件套 2026春款", "category": "家居/床品四件套",
        "brand": "织梦家纺", "selling_points": "60支天丝，法式刺绣花边",
        "description": "品牌商报送新款：天丝面料，刺绣工艺。",
        "skus": [{"code": "ZM2026-01-WH-15", "barcode": ean13("692998800011"),
                  "attributes": {"颜色": "米白", "规格": "1.5米床"}, "price_fen": 79900,
                  "cost_fen": 36000, "weight_g": 2600},
                 {"code": "ZM2026-01-WH-18", "barcode": ean13("692998800012"),
                  "attributes": {"颜色": "米白", "规格": "1.8米床"}, "price_fen": 85900,
                  "cost_fen": 38000, "weight_g": 2800}]})
    existing = Product.objects.get(code="WB0001")
    submissions.submit_info(actor=submitter, source_channel=branch, payload={
        "code": existing.code, "title": "夏季碎花雪纺连衣裙（门店同款）",
        "selling_points": "雪纺面料轻盈透气，收腰显瘦；门店试穿反馈偏小一码",
        "skus": [{"code": sku.code, "barcode": sku.barcode, "attributes": sku.attributes,
                  "price_fen": sku.price_fen, "cost_fen": sku.cost_fen, "weight_g": 320}
                 for sku in existing.skus.all()]})
    returned = submissions.submit_info(actor=submitter, source_channel=branch, payload={
        "code": "SH-0815", "title": "门店款 羊绒围巾", "category": "女装/针织开衫",
        "skus": [{"code": "SH-0815-GY", "barcode": ean13("692998800031"),
                  "attributes": {"颜色": "浅灰"}, "price_fen": 39900}]})
    submissions.return_submission(actor=reviewer, submission=returned, reasons=[
        "缺少商品图片（至少一张主图，白底，≥800×800）", "类目不对：围巾应归入配饰，请与商品部确认后重报",
        "缺少成本价与重量"])


def load(people):
    admin = people.get("manager") or people["sysadmin"]
    pm, designer, planner = people["product_manager"], people["designer"], people["planner"]
    suppliers, brands, categories = _reference(admin)
    items = _products(pm, designer, suppliers, brands, categories)
    _shelf(planner, items, categories)
    _submissions(planner, pm, suppliers)
