# TEMPORARY STUB — helper replaces
def check_role_change(*, payload, actor): pass
def apply_role_change(*, proposal, actor): return {}
def describe_role_change(payload): return ""
def check_access_level_change(*, payload, actor): pass
def apply_access_level_change(*, proposal, actor): return {}
def describe_access_level_change(payload): return ""
def check_credential_change(*, payload, actor): pass
def apply_credential_change(*, proposal, actor): return {}
def describe_credential_change(payload): return ""
