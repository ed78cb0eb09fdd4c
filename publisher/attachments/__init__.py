"""Attachments of a revision: stored by content hash, typed from their bytes, served
with ETag and ranges, with thumbnails and kiosk QR codes. See docs/attachments-and-search.md."""
