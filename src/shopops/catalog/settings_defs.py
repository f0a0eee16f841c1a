from shopops.core.registry import define

G = "商品 Catalog"
define("catalog.image_max_kb", 500, type="int", unit="KB", min=1, label="图片大小上限", group=G,
       description="单个图片不得超过此大小（CAT-7，制度：500K）。")
define("catalog.video_max_mb", 30, type="int", unit="MB", min=1, label="视频大小上限", group=G,
       description="单个视频不得超过此大小（CAT-7，制度：30M）。")
define("catalog.document_max_kb", 1024, type="int", unit="KB", min=1, label="文档大小上限",
       group=G, description="单个文档不得超过此大小（CAT-7，制度：1M）。")
define("catalog.thumbnail_px", 240, type="int", unit="像素", min=32, max=1200,
       label="缩略图边长", group=G, description="上传图片自动生成的缩略图最长边。")
define("catalog.auto_relist", True, type="bool", label="库存恢复后自动上架", group=G,
       description="因库存为零自动下架的商品，可售库存恢复后是否自动重新上架（CAT-3）。")
define("catalog.import_max_rows", 50000, type="int", unit="行", min=1,
       label="单次导入最大行数", group=G, description="超过此行数的文件请拆分后导入（CAT-9）。")
