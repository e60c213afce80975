"""Wire codecs: the only place msgpack is imported. One module per message family."""
