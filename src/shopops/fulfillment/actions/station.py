"""What a scan station answers for one scan (FUL-4 verification, FUL-5 handover).

A rejected scan is a result, not an exception: the rejection itself is recorded (the
scorecards count them), so the transaction that records it must commit."""

from dataclasses import dataclass, field


@dataclass
class StationResult:
    ok: bool
    code: str
    message: str
    message_en: str = ""
    session: object = None  # VerifySession (verification) or Handover (handover)
    order: object = None
    progress: list = field(default_factory=list)
    done: bool = False
    intercepted: bool = False

    @property
    def kind(self) -> str:
        """How the station shows it: ok (green), intercept (amber), error (red)."""
        if self.intercepted:
            return "intercept"
        return "ok" if self.ok else "error"

    def as_dict(self) -> dict:
        return {"ok": self.ok, "code": self.code, "message": self.message,
                "message_en": self.message_en, "kind": self.kind, "done": self.done,
                "intercepted": self.intercepted,
                "session_id": getattr(self.session, "pk", None),
                "order": getattr(self.order, "number", None), "progress": self.progress}


def success(code, message, message_en="", **kw) -> StationResult:
    return StationResult(ok=True, code=code, message=message, message_en=message_en, **kw)


def refusal(key, message, message_en="", /, **params) -> StationResult:
    extra = {k: params.pop(k) for k in ("session", "order", "progress") if k in params}
    return StationResult(ok=False, code=key, message=message.format(**params),
                         message_en=message_en.format(**params), **extra)
