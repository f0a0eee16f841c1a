from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "shopops.purchasing"
    label = "purchasing"
    verbose_name = "采购与供应商"
