from examsite.masking import mask_id_number, mask_phone, mask_text


def test_id_numbers_keep_their_last_four():
    assert mask_id_number("11010519491231002X") == "**************002X"
    assert mask_id_number("110105491231002") == "***********1002"


def test_mobile_numbers_keep_three_and_four():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"


def test_free_text_is_masked_wherever_numbers_appear():
    text = "联系人张三，电话13812345678，身份证11010519491231002X；座机 0931-8888888，工号 0012345。"
    masked = mask_text(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "11010519491231002X" not in masked and "**************002X" in masked
    assert "0931-8888888" in masked and "0012345" in masked  # neither an ID nor a mobile number
    assert mask_text("手机：138 1234 5678。") == "手机：138****5678。"
    assert mask_text("") == ""
