"""The warehouse line's numbers (FUL-1…FUL-7): defaults from the seeds, changeable by an
administrator on the settings page. Read them only through core.registry.setting()."""

from datetime import time

from shopops.core.registry import define

G = "发货 Fulfillment"

define("fulfillment.review_batch_times", ["10:00", "16:00"], type="list", unit="时:分",
       label="审单批次时间", group=G,
       description="每天这些时间自动按审单规则审核已付款订单（FUL-1）。"
                   "Times of day the automatic review runs (HH:MM, comma-separated).")
define("fulfillment.same_day_cutoff", time(16, 0), type="time", unit="时:分",
       label="当日审单截止付款时间", group=G,
       description="在此时间前付款的订单须当天审完、当天发出（FUL-1、FUL-4）。"
                   "Orders paid before this time are reviewed and shipped the same day.")
define("fulfillment.end_of_day_time", time(17, 30), type="time", unit="时:分",
       label="下班前检查时间", group=G,
       description="此时把未审、未打、未发的订单清单发给审单员和仓库主管（FUL-1）。"
                   "When the end-of-day list of unreviewed/unprinted/unshipped orders is sent.")
define("fulfillment.picker_handover_minutes", 30, type="int", unit="分钟", min=1, max=24 * 60,
       label="打单后交备货时限", group=G,
       description="打印后须在这么多分钟内把单据交给备货员（FUL-2）。"
                   "Minutes after printing within which a wave is handed to a picker.")
define("fulfillment.wave_size", 50, type="int", unit="单", min=1, max=2000,
       label="每波次订单数", group=G,
       description="建波次时每个波次最多包含的订单数（FUL-2）。Maximum orders per wave.")
define("fulfillment.weight_tolerance_percent", 15, type="int", unit="%", min=1, max=100,
       label="称重允许偏差", group=G,
       description="包裹称重与预估重量相差超过此百分比时停下核查（FUL-5）。"
                   "Parcel weight deviation from the estimate that stops it for a check.")
define("fulfillment.packaging_weight_g", 150, type="int", unit="克", min=0, max=10000,
       label="包装材料预估重量", group=G,
       description="预估包裹重量 = 商品重量 + 此包装重量（FUL-5）。Packaging weight added to estimates.")
define("fulfillment.tracking_exception_hours", 4, type="int", unit="小时", min=1, max=24 * 7,
       label="物流异常处理时限", group=G,
       description="物流异常（丢件、延误、退回）生成的客服任务须在这么多小时内处理（FUL-6）。"
                   "Hours customer service has to act on a tracking exception.")
define("fulfillment.summary_time", time(18, 30), type="time", unit="时:分",
       label="发货销售汇总生成时间", group=G,
       description="每天此时生成当天的发货与销售日报；周一生成上周周报，每月1日生成上月月报（FUL-7）。"
                   "When daily (and weekly/monthly) shipping and sales summaries are produced.")
define("fulfillment.tracking_poll_seconds", 900, type="int", unit="秒", min=60, max=24 * 3600,
       label="物流轨迹查询间隔", group=G,
       description="每隔这么多秒向有接口的快递公司查询一次在途包裹的轨迹（FUL-6）。"
                   "Seconds between polls of couriers whose tracking adapter fetches.")
define("fulfillment.complete_after_days", 7, type="int", unit="天", min=1, max=90,
       label="签收后自动完成天数", group=G,
       description="订单签收满这么多天后自动变为已完成（FUL-6）。"
                   "Days after delivery when an order is completed automatically.")
define("fulfillment.complete_time", time(3, 0), type="time", unit="时:分",
       label="自动完成订单时间", group=G,
       description="每天此时把签收已满期限的订单改为已完成（FUL-6）。"
                   "When delivered orders past the period are completed each day.")
