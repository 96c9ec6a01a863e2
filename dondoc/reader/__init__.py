"""Reading directives (đọc văn bản chỉ đạo): from a notice's text to proposed tasks.

The core (``dondoc.reader.core``) is pure Python with no Django import: ``read_directive(text,
register=...) -> Reading`` and ``read_file(data, filename) -> str``. ``dondoc.reader.registry``
builds a ``Register`` from the database; ``dondoc read FILE`` prints a reading.
"""
