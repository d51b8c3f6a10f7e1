{{-- list of confidential clients (GDPR) --}}
<ul></ul>
