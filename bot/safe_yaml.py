"""YAML from files people edit: safe types only, and bounded in size and in aliases.

``yaml.safe_load`` refuses arbitrary objects but not an *anchor bomb*: a few
hundred bytes of nested aliases that expand to billions of nodes as soon as
anything walks the result (``str()``, validation, JSON). :func:`load` composes
the node graph first, counts the nodes it stands for once every alias is
expanded, and refuses the document before building any Python object when that
count (or the alias count, or the text size) is over its bound.

Any error of the input (bad syntax, an impossible date such as ``2024-02-30``,
a recursive alias) becomes one :class:`YamlError` with a plain reason.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, SequenceNode
from yaml.resolver import Resolver

MAX_CHARS = 1_000_000
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000


class YamlError(ValueError):
    """The text is not YAML we accept; the message says why."""


class _CountingAliases(Composer):
    """Composes nodes from parser events, counting aliases."""

    aliases_seen = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            self.aliases_seen += 1
            if self.aliases_seen > MAX_ALIASES:
                raise YamlError(f"too many aliases (more than {MAX_ALIASES})")
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


class _BoundedLoader(_CountingAliases, yaml.SafeLoader):
    """A safe loader that counts aliases while composing (pure Python)."""


def _fast_loader() -> type:
    """The same composer over libyaml's parser (several times faster), when PyYAML has it."""
    if not yaml.__with_libyaml__:
        return _BoundedLoader
    from yaml._yaml import CParser

    class _FastBoundedLoader(_CountingAliases, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    return _FastBoundedLoader


_Loader = _fast_loader()


def _expanded_size(root: Node) -> int:
    """How many nodes the graph stands for with every alias expanded (cycles refused)."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in visiting:
            raise YamlError("recursive alias")
        visiting.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        visiting.discard(key)
        if total > MAX_EXPANDED_NODES:
            raise YamlError(f"the document expands to more than {MAX_EXPANDED_NODES} values")
        sizes[key] = total
        return total

    return size(root)


def load(text: str) -> Any:
    """Parse one YAML document safely; raise :class:`YamlError` on any problem of the text."""
    if len(text) > MAX_CHARS:
        raise YamlError(f"the YAML text is too long (over {MAX_CHARS} characters)")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node)
        return loader.construct_document(node)
    except YamlError:
        raise
    except yaml.YAMLError as error:
        if "maximum nesting depth" in str(error):  # libyaml's own bound
            raise YamlError("the document is nested too deeply") from error
        raise YamlError(str(error)) from error
    except RecursionError as error:
        raise YamlError("the document is nested too deeply") from error
    except (ValueError, TypeError, OverflowError, KeyError) as error:
        # Constructors raise these on impossible values: 2024-02-30, a huge exponent…
        raise YamlError(f"invalid value ({error})") from error
    finally:
        loader.dispose()
