"""Errors a user can cause. Each carries a stable code and a message in Chinese and English.

Raised by actions; views show `message` (Chinese, with the English beneath), the API
answers 4xx with {"code", "message", "message_en"}. Raising one inside an action's
transaction rolls everything back, so bad input changes nothing.
"""


class UserError(Exception):
    status = 400

    def __init__(self, code: str, message: str, message_en: str = "", **params):
        self.code = code
        self.message = message.format(**params) if params else message
        self.message_en = message_en.format(**params) if params else message_en
        self.params = params
        super().__init__(f"{self.code}: {self.message}")

    def as_dict(self):
        return {"code": self.code, "message": self.message, "message_en": self.message_en}

    def __str__(self):
        return f"{self.message}" + (f" ({self.message_en})" if self.message_en else "")


class PermissionDeniedError(UserError):
    status = 403


class NotFoundError(UserError):
    status = 404


class IllegalTransition(UserError):
    status = 409

    def __init__(self, machine: str, current: str, target: str):
        super().__init__(
            "illegal_transition",
            "不允许的状态变更：{machine} 不能从「{current}」变为「{target}」",
            "Illegal transition: {machine} cannot go from '{current}' to '{target}'",
            machine=machine,
            current=current,
            target=target,
        )


class ConflictError(UserError):
    status = 409
