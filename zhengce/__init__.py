"""zhengce (政策): document intelligence for Chinese policy texts."""
__version__ = "0.1.0"
