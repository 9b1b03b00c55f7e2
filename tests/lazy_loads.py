"""A check that no template loads a related object lazily: inside ``forbid_lazy_loads()`` a
foreign key or one-to-one read while a template renders, and not already fetched by the view
(``select_related``), raises ``LazyLoad`` naming the model and field; so does a column the view
left out with ``only()``/``defer()``. Each one is a query per
row of a list, the cost that grows with the data (docs/PERFORMANCE.md)."""

import threading
from contextlib import contextmanager

from django.db.models.fields.related_descriptors import (
    ForwardManyToOneDescriptor,
    ReverseOneToOneDescriptor,
)
from django.db.models.query_utils import DeferredAttribute
from django.template.base import Template


class LazyLoad(AssertionError):
    pass


_rendering = threading.local()


@contextmanager
def forbid_lazy_loads():
    render, forward, reverse, deferred = (
        Template.render,
        ForwardManyToOneDescriptor.get_object,
        ReverseOneToOneDescriptor.__get__,
        DeferredAttribute.__get__,
    )

    def rendering(self, context):
        _rendering.depth = getattr(_rendering, "depth", 0) + 1
        try:
            return render(self, context)
        finally:
            _rendering.depth -= 1

    def forward_get(self, instance):
        if getattr(_rendering, "depth", 0):
            raise LazyLoad(f"{type(instance).__name__}.{self.field.name} read by a template")
        return forward(self, instance)

    def reverse_get(self, instance, cls=None):
        if (
            instance is not None
            and getattr(_rendering, "depth", 0)
            and not self.related.is_cached(instance)
        ):
            raise LazyLoad(
                f"{type(instance).__name__}.{self.related.get_accessor_name()} read by a template"
            )
        return reverse(self, instance, cls)

    def deferred_get(self, instance, cls=None):
        if (
            instance is not None
            and getattr(_rendering, "depth", 0)
            and self.field.attname not in instance.__dict__
        ):
            raise LazyLoad(
                f"{type(instance).__name__}.{self.field.attname} deferred, read by a template"
            )
        return deferred(self, instance, cls)

    Template.render = rendering
    DeferredAttribute.__get__ = deferred_get
    ForwardManyToOneDescriptor.get_object = forward_get
    ReverseOneToOneDescriptor.__get__ = reverse_get
    try:
        yield
    finally:
        Template.render = render
        ForwardManyToOneDescriptor.get_object = forward
        ReverseOneToOneDescriptor.__get__ = reverse
        DeferredAttribute.__get__ = deferred
