'use strict';
// The registrations' list: choosing an event or an organiser in a searchable filter applies it
// at once (the « Filtrer » button does the same without JavaScript).
{
    const $ = window.django && window.django.jQuery;
    if ($) {
        $(function() {
            $('.semaine-autocomplete-filter select').on('change', function() {
                this.form.submit();
            });
        });
    }
}
