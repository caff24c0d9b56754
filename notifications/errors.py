"""How a delivery attempt failed, which decides whether and when the dispatcher tries again."""


class DeliveryError(Exception):
    """A message was not delivered; the subclass says whether and when to try again."""


class TemporaryDeliveryError(DeliveryError):
    """Not delivered, and worth trying again later: the server was away or answered 4xx."""


class PermanentDeliveryError(DeliveryError):
    """Not delivered, and trying again would not help: the server answered 5xx."""


class UncertainDeliveryError(DeliveryError):
    """The connection broke after the server had the whole message: it may have arrived."""
