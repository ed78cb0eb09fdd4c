"""AppKeys of the portal's own state (the core never reads them)."""

from __future__ import annotations

from aiohttp import web

from channels.portal.catalog_filter import Facets
from publisher.i18n_content import SimplifiedLive

# notices in Simplified Chinese, per revision, bounded (publisher.i18n_content)
SIMPLIFIED: web.AppKey[SimplifiedLive] = web.AppKey("portal_simplified", SimplifiedLive)
# what the catalog's filters compare, per revision (channels/portal/catalog_filter.py)
FACETS: web.AppKey[Facets] = web.AppKey("portal_facets", Facets)
