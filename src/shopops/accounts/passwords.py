# TEMPORARY STUB
class _V:
    def validate(self, password, user=None): pass
    def get_help_text(self): return ""
MinimumLengthValidator = NotStartingWithDigitValidator = ComplexityValidator = NotUsernameValidator = _V
