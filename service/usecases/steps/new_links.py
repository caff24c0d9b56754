"""Shared step: giving an invitation a new nonce, which is what ends every link sent before.

Both of a person's links come from the nonce: the long signed one in an email and the short
one in a text message or letter. The short one's hash is kept beside the nonce, to find the
invitation by, so the two always change together, here.
"""

from service.links import new_nonce, short_code, short_code_sha256
from service.settings import Settings
from service.store.tables import ConsentInvitation


def give_new_links(settings: Settings, invitation: ConsentInvitation) -> None:
    """A fresh nonce and short code: every earlier link, long or short, stops working."""
    invitation.nonce = new_nonce()
    invitation.short_code_sha256 = short_code_sha256(short_code(settings, invitation.nonce))
