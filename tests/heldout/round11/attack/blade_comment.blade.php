{{-- VS-NUR FÜR DEN DIENSTGEBRAUCH --}}
<div>{{ $plan->name }}</div>
