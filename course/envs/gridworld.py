"""(being written)"""
ALIASES: dict[str, str] = {}
