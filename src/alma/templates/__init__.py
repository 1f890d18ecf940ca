"""Templates: parameterised blueprints people actually deploy, for the providers each supports.

``CATALOGUE`` lists them; ``render`` makes blueprint data of one for one provider with given parameters.
Pure: nothing here validates, reads the engines or touches the store (the template service validates
what is rendered). The software the templates run is ``SOFTWARE``, which the generator also composes from.
"""

from alma.templates.catalogue import CATALOGUE, find
from alma.templates.model import PROVIDERS, Rendered, Template, read_values, render
from alma.templates.parameters import Parameter
from alma.templates.software import SOFTWARE, Software, software

__all__ = [
    "CATALOGUE",
    "PROVIDERS",
    "SOFTWARE",
    "Parameter",
    "Rendered",
    "Software",
    "Template",
    "find",
    "read_values",
    "render",
    "software",
]
