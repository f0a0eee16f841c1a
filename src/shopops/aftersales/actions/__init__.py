"""After-sales actions, one module per use case:

    requests   open_request, cancel_request, enter_return_waybill   (the customer's side)
    handling   take_request, approve_request, reject_request, set_dispute, clear_dispute
    deadlines  the request's time limits (respond, return, inspect, refund) and their services
    receiving  register_parcel, pass_on, mark_receiving_fault            (AS-2, 售后员)
    inspection inspect_request, finish_repair, check_exchange, complete_shipped
    liability  assess_liability, record_liability_export                  (AS-4)
    refunds    pay_refund — the one place money goes back                 (退款记录)
"""
