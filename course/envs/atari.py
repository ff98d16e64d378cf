"""(being written)"""
ALIASES: dict[str, str] = {}
def register_ale():
    pass
