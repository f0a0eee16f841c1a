from ninja import Router

from . import api_approvals, api_events, api_inbox

router = Router()
router.add_router("/events", api_events.router, tags=["事件日志 events"])
router.add_router("/proposals", api_approvals.router, tags=["审批 proposals"])
router.add_router("/notifications", api_inbox.router, tags=["通知 notifications"])


def _accounts():
    from shopops.accounts.api import router as accounts_router

    router.add_router("/accounts", accounts_router, tags=["账号 accounts"])


_accounts()
