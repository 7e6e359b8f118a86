include $(sort $(wildcard $(BR2_EXTERNAL_RPROCBOX_PATH)/package/*/*.mk))
