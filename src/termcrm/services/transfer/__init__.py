"""Import and export: other tools' files in, termcrm's records out.

- `sources.py`: what other tools' exports look like (vendors, header names, dates, stages);
- `mapping.py`: which column of a file feeds which field;
- `formats/`: CSV, JSON, vCard and iCalendar: readers yield rows, writers take records;
- `pipeline.py`: read -> map -> validate -> dedupe -> write, all or nothing;
- `writers/`: one per record kind, calling the services' own rules;
- `export.py`: records out, in every format.

Nothing is imported here: `termcrm` starts fast and each command loads only what it uses.
"""
